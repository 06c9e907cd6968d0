; Included by electron-builder's NSIS installer (electron-builder.yml: nsis.include).
; One journal per PC: the data folder %ProgramData%\shikaku-fallback is created at install time, and every
; account of this PC (BUILTIN\Users, SID S-1-5-32-545) may change what is in it, whoever created the files.
; The app moves an older per-account folder (%APPDATA%\shikaku-fallback) there at its first start.
; Uninstalling keeps the folder: the journal, its backups and the logs are records the clinic keeps.
!macro customInstall
  Push $0
  ReadEnvStr $0 "ProgramData"
  StrCmp $0 "" 0 +2
    StrCpy $0 "C:\ProgramData"
  CreateDirectory "$0\shikaku-fallback"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$0\shikaku-fallback" /grant *S-1-5-32-545:(OI)(CI)M /T /C /Q'
  Pop $0
  Pop $0
!macroend
