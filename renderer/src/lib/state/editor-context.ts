// The editor session is handed to the editor's components by context: one per open
// editor, never a module singleton.
import { getContext, setContext } from 'svelte';
import type { EditorSession } from './editor.svelte.ts';

const KEY = Symbol('editor-session');

export function provideEditor(s: EditorSession): void {
  setContext(KEY, s);
}

export function useEditor(): EditorSession {
  return getContext<EditorSession>(KEY);
}
