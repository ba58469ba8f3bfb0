const nf = new Intl.NumberFormat('en-US');

export function count(n: number): string {
  return nf.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export const STATUS_LABEL: Record<string, string> = {
  unreviewed: 'Unreviewed',
  generated: 'Generated',
  edited: 'Edited',
  approved: 'Approved',
  rejected: 'Rejected',
};
