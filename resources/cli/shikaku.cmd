@echo off
rem shikaku: the administrator's command line of the installed app, e.g. "shikaku doctor", "shikaku --help".
rem Installed next to shikaku-fallback.exe; runs the app's bundled CLI on the app's own Node (Electron as
rem Node), so the clinic PC needs no Node.js. Where data, backups and logs live: README (install section).
setlocal
set "ELECTRON_RUN_AS_NODE=1"
"%~dp0shikaku-fallback.exe" "%~dp0resources\app.asar\dist\cli\shikaku.cjs" %*
exit /b %ERRORLEVEL%
