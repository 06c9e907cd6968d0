// Who does it: the active staff members in a select (the review form and the month-end panel).
import { useEffect, useState } from 'react';
import type { StaffView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { SelectField } from '../reception/fields.tsx';

export function StaffSelect(props: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
  testId: string;
}) {
  const [staffList, setStaffList] = useState<StaffView[]>([]);
  useEffect(() => {
    call('staff.list', {}).then(
      (list) => setStaffList(list.filter((x) => x.active)),
      () => undefined,
    );
  }, []);
  return (
    <SelectField
      label={props.label}
      value={props.value}
      options={staffList.map((x) => x.id)}
      labelOf={(id) => staffList.find((x) => x.id === id)?.name ?? id}
      placeholder={props.placeholder}
      onChange={props.onChange}
      error={props.error}
      required
      testId={props.testId}
    />
  );
}
