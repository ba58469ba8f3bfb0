// The desktop menu's File › Import Dataset… and Add Model… arrive as 'app.command' events
// (electron/menu.ts pageCommands) and open the page's own import wizard and model dialog:
// the same dry run, import job and project-switch check as the page's buttons. Undo/Redo
// are the editor's (EditorView listens for them). Browser mode never sends these events.
import type { StudioEvents } from '../../../src/contract/api.ts';

/** what the menu opens: DialogsState's entry points */
export interface MenuDialogs {
  openImport(): void;
  openAddModel(): void;
}

/** the part of the StudioClient this needs (typed from the contract, so Node tests can pass their own) */
interface CommandEvents {
  on(name: 'app.command', handler: (payload: StudioEvents['app.command']) => void): () => void;
}

/** Follows the menu's dialog commands; returns the unsubscribe function. */
export function followMenuDialogs(client: CommandEvents, dialogs: MenuDialogs): () => void {
  return client.on('app.command', ({ command }) => {
    if (command === 'import-dataset') dialogs.openImport();
    else if (command === 'add-model') dialogs.openAddModel();
  });
}
