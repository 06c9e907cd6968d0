// One labelled row of a printed sheet's table: the label as a row header, the value beside it.
import type { ReactNode } from 'react';

export function Row({ label, className, children }: { label: ReactNode; className?: string; children?: ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className={className}>{children}</td>
    </tr>
  );
}
