// The tool registry: every tool by id, exactly one current. Switching deactivates the
// old tool (cancelling its gesture) and disposes its scope, removing every listener it
// added.
import type { ListenTarget, Tool, ToolId, ToolScope } from './types.ts';

class Scope implements ToolScope {
  private disposers: (() => void)[] = [];

  listen(target: ListenTarget, type: string, fn: (ev: Event) => void): void {
    target.addEventListener(type, fn);
    this.disposers.push(() => target.removeEventListener(type, fn));
  }

  onDispose(fn: () => void): void {
    this.disposers.push(fn);
  }

  dispose(): void {
    for (const d of this.disposers.splice(0).reverse()) d();
  }
}

export class ToolRegistry {
  private readonly tools = new Map<ToolId, Tool>();
  private currentId: ToolId | null = null;
  private scope: Scope | null = null;

  register(tool: Tool): void {
    if (this.tools.has(tool.id)) throw new Error(`tool '${tool.id}' is registered twice`);
    this.tools.set(tool.id, tool);
  }

  get current(): Tool | null {
    return this.currentId ? this.tools.get(this.currentId)! : null;
  }

  get(id: ToolId): Tool | undefined {
    return this.tools.get(id);
  }

  all(): Tool[] {
    return [...this.tools.values()];
  }

  byShortcut(key: string): Tool | undefined {
    const k = key.toUpperCase();
    return this.all().find((t) => t.shortcut === k);
  }

  activate(id: ToolId): void {
    if (id === this.currentId) return;
    const next = this.tools.get(id);
    if (!next) throw new Error(`no tool '${id}'`);
    this.deactivateCurrent();
    this.currentId = id;
    this.scope = new Scope();
    next.activate?.(this.scope);
  }

  deactivateCurrent(): void {
    const cur = this.current;
    if (!cur) return;
    cur.cancel?.();
    cur.deactivate?.();
    this.scope?.dispose();
    this.scope = null;
    this.currentId = null;
  }
}
