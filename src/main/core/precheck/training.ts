// 訓練モード: the demo terminal simulator answers for the training data's patients, so staff can practise 事前確認
// and the rest of the flow with the patients they see on screen. Each stored patient with numbers is a valid 資格
// (3割); bookings and patients added after the start are not known to it until the app restarts.
import type { SimPerson } from '../../../hardware/terminal/index.ts';
import type { Store } from '../store/index.ts';

export function trainingRegistry(store: Store, limit = 10_000): SimPerson[] {
  const r = store.patientsWithNumbers(limit);
  if (!r.ok) return [];
  return r.value.map((p) => ({
    ...p.insurance,
    name: p.name,
    nameKana: p.nameKana,
    birthDate: p.birthDate,
    sex: p.sex === 'female' ? 'female' : 'male',
    copayPercent: 30,
  }));
}
