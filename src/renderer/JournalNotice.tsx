// What the journal said at startup (created, migrated, restored from a backup after damage, …) and a standing
// warning when it cannot save (read-only, disk full, not opened): staff must know before they take a visit.
import { useConnection } from './connection.ts';
import { strings } from './strings.ts';

export function JournalNotice() {
  const journal = useConnection((s) => s.journal);
  if (!journal) return null;
  const problem = strings.journalMode[journal.mode];
  const notices = journal.outcome === 'opened' ? [] : journal.notices;
  if (problem === '' && notices.length === 0) return null;
  return (
    <section
      className="journal-notice"
      data-testid="journal-notice"
      data-mode={journal.mode}
      aria-label={strings.journalNotices}
    >
      {problem !== '' && (
        <p role="alert" className="journal-problem">
          {problem} {journal.error?.message}
        </p>
      )}
      {notices.length > 0 && (
        <ul>
          {notices.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
