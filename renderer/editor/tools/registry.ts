// The tool registry: every tool by id, exactly one current. Switching deactivates the
// old tool, cancelling its gesture first, so no half-drawn polygon or open stroke outlives it.
import type { Tool, ToolId } from './types.ts';

export class ToolRegistry {
  private readonly tools = new Map<ToolId, Tool>();
  private currentId: ToolId | null = null;

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
    next.activate?.();
  }

  deactivateCurrent(): void {
    const cur = this.current;
    if (!cur) return;
    cur.cancel?.();
    cur.deactivate?.();
    this.currentId = null;
  }
}
