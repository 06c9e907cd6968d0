// 訓練モード: the demo terminal simulator answers for the training data's patients, so staff can practise 事前確認
// and the rest of the flow with the patients they see on screen. Each stored patient with numbers is a valid 資格.
import type { SimPerson } from '../../../hardware/terminal/index.ts';
import type { Store } from '../store/index.ts';

export function trainingRegistry(store: Store): SimPerson[] {
  const r = store.precheckExpected('9999-12-31', '0000-01-01');
  if (!r.ok) return [];
  return r.value.map((p) => ({
    ...p.insurance,
    name: p.name,
    nameKana: p.nameKana,
    birthDate: p.birthDate,
    sex: 'male',
    copayPercent: 30,
  }));
}
