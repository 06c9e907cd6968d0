// The reception desk: the wizard's draft kept by the core (one per PC, so a reload or a crashed renderer loses
// nothing) and 本日の受付, the day's visits with their short 受付番号.
import { Visit } from '../../../claims/visit.ts';
import { storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type ReceptionRequest = 'drafts.save' | 'drafts.get' | 'drafts.clear' | 'visits.today' | 'visits.receptionNo';

/** The one draft slot of this PC's reception. */
const SLOT = 'reception';

export function receptionHandlers(deps: CoreDeps): Handlers<ReceptionRequest> {
  return {
    'drafts.save': ({ draft }) => unwrap(storeOf(deps).saveDraft(SLOT, draft)),
    'drafts.get': () => {
      const stored = unwrap(storeOf(deps).getDraft(SLOT));
      return { draft: stored?.draft ?? null, savedAt: stored?.savedAt ?? null };
    },
    'drafts.clear': () => ({ cleared: unwrap(storeOf(deps).clearDraft(SLOT)) }),
    'visits.today': ({ date }) => ({
      items: unwrap(storeOf(deps).dayVisits(date)).map((v) => ({
        id: v.id,
        receptionNo: v.receptionNo,
        receivedAt: v.receivedAt,
        status: v.status,
        visit: Visit.parse(JSON.parse(v.json)),
      })),
    }),
    'visits.receptionNo': ({ id }) => ({ receptionNo: unwrap(storeOf(deps).receptionNo(id)) }),
  };
}
