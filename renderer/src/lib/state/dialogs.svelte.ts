// Which of the studio's own dialogs is open (one at a time), and the one-call entry points
// the empty states and the header use: "Import dataset…", "Add model…", "Generate…".
import type { CamLayerName, CamMethodName } from '../../../../src/contract/generation.ts';
import type { GenerationState } from './generation.svelte.ts';
import type { ImportState } from './import.svelte.ts';
import type { ModelsState } from './models.svelte.ts';

export type DialogName = 'import' | 'models' | 'new-project';

export class DialogsState {
  open = $state<DialogName | null>(null);

  constructor(
    private readonly importer: ImportState,
    private readonly models: ModelsState,
    private readonly generation: GenerationState,
  ) {}

  /** the import wizard: on the running import, else choosing a dataset */
  openImport(): void {
    this.open = 'import';
    void this.importer.begin().then(() => {
      if (this.open === 'import' && this.importer.step === 'choose') void this.importer.pick();
    });
  }

  /** the model dialog, straight to choosing a file */
  openAddModel(): void {
    this.open = 'models';
    this.models.discard();
    void this.models.load();
    void this.models.pick();
  }

  /** the model dialog on the project's models */
  openModels(): void {
    this.open = 'models';
    void this.models.load();
  }

  openNewProject(): void {
    this.open = 'new-project';
  }

  /** the Generate drawer, set to one method and layer (the compare view's "not generated" cards) */
  openGenerate(method: CamMethodName, layer: CamLayerName): void {
    this.open = null;
    this.generation.method = method;
    this.generation.layer = layer;
    this.generation.open = true;
  }

  close(): void {
    this.open = null;
  }
}
