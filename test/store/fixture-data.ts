// The content of the committed fixture databases (test/fixtures/store/), shared by make-fixtures.ts and the tests.
/** Fixed ids and times, so tests can compare what a migrated database still holds. */
export const V1_VISITS = [
  {
    id: '01900000-0000-7000-8000-000000000001',
    serviceDate: '2024-12-02',
    receivedAt: '2024-12-02T09:00:00+09:00',
    staff: 'yamada',
    patient: {
      patientId: 'K001',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      birthDate: '1950-01-15',
      sex: 'male',
      postalCode: '',
      address: '東京都港区',
      phone: '03-0000-0001',
    },
    cause: 'reader_fault',
    identity: { method: 'visual', confirmedBy: '' },
    evidence: {
      kind: 'qualification_certificate',
      insurance: { insurerNumber: '39131015', symbol: '', number: '12345678', branch: '' },
    },
    copay: { percent: 10, source: 'age', reason: '' },
    note: '',
  },
  {
    id: '01900000-0000-7000-8000-000000000002',
    serviceDate: '2024-12-03',
    receivedAt: '2024-12-03T10:30:00+09:00',
    staff: 'yamada',
    patient: {
      patientId: '',
      name: '佐藤 花子',
      nameKana: 'サトウ ハナコ',
      birthDate: '1985-07-07',
      sex: 'female',
      postalCode: '',
      address: '',
      phone: '',
    },
    cause: 'wide_area_network',
    identity: { method: 'face', confirmedBy: '' },
    evidence: { kind: 'verbal', pastRecordRef: 'K002', confirmedUnchanged: true },
    copay: { percent: 30, source: 'age', reason: '' },
    note: '前回来院時から変更なし',
  },
];
