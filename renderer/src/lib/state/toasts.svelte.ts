// Short messages after an action ("Approved 240 images"), shown for a few seconds.
export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}

const SHOW_MS = 3500;

export class ToastState {
  items = $state<Toast[]>([]);
  private next = 1;

  show(text: string, kind: Toast['kind'] = 'ok'): void {
    const id = this.next++;
    // the newest three are enough; older ones only cover the grid
    this.items = [...this.items.slice(-2), { id, text, kind }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? SHOW_MS * 2 : SHOW_MS);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}
