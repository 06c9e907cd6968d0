// What every sheet prints besides the visit: the clinic's name and 医療機関コード, and staff names by id.
import { useEffect, useState } from 'react';
import { call } from '../api.ts';

export interface PrintContext {
  clinic: { name: string; institutionCode: string };
  staffName(id: string): string;
  /** A システム障害時モード record's call-centre reference number as staff typed it ('' until known). */
  incidentReference(id: string): string;
}

const blank: PrintContext = {
  clinic: { name: '', institutionCode: '' },
  staffName: (id) => id,
  incidentReference: () => '',
};

/** Loads the clinic and the staff list once; until then (or if either fails) the lines stay blank / show ids. */
export function usePrintContext(): PrintContext {
  const [ctx, setCtx] = useState<PrintContext>(blank);
  useEffect(() => {
    let live = true;
    void Promise.allSettled([
      call('print.clinic', {}),
      call('staff.list', {}),
      call('incidents.list', { kind: 'emergency_mode' }),
    ]).then(([clinic, staff, incidents]) => {
      if (!live) return;
      const names = new Map(staff.status === 'fulfilled' ? staff.value.map((s) => [s.id, s.name] as const) : []);
      const refs = new Map(
        incidents.status === 'fulfilled' ? incidents.value.map((i) => [i.id, i.referenceNumber] as const) : [],
      );
      setCtx({
        clinic: clinic.status === 'fulfilled' ? clinic.value : blank.clinic,
        staffName: (id) => names.get(id) ?? id,
        incidentReference: (id) => refs.get(id) ?? '',
      });
    });
    return () => {
      live = false;
    };
  }, []);
  return ctx;
}
