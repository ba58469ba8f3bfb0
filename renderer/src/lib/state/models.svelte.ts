// The model dialog's state: the project's models (choose the active one, remove one), and
// adding one — choose the file, read what it holds (input size, preprocessing, classes
// against the project's, executor, layer1..layer4 tensors), try it on an image, then add.
import type { CamLayerName, ModelSummary } from '../../../../src/contract/generation.ts';
import type { ModelInspection, TryModelResult } from '../../../../src/contract/projects.ts';
import type { StudioClient } from '../api.ts';
import type { ChooserState } from './chooser.svelte.ts';
import { attempt } from './attempt.ts';

export class ModelsState {
  models = $state.raw<ModelSummary[] | null>(null);
  /** the file being looked at before it is added */
  inspection = $state.raw<ModelInspection | null>(null);
  inspecting = $state(false);
  adding = $state(false);
  error = $state<string | null>(null);

  tryImageId = $state<number | null>(null);
  tryLayer = $state<CamLayerName>('layer2');
  tryResult = $state.raw<TryModelResult | null>(null);
  trying = $state(false);
  tryError = $state<string | null>(null);

  readonly active = $derived(this.models?.find((m) => m.active) ?? null);

  readonly #client: StudioClient;
  readonly #chooser: ChooserState;
  #trySeq = 0;

  constructor(client: StudioClient, chooser: ChooserState) {
    this.#client = client;
    this.#chooser = chooser;
  }

  async load(): Promise<void> {
    try {
      this.models = await this.#client.listModels();
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** Chooses a model file and inspects it. */
  async pick(): Promise<void> {
    const path = await this.#chooser.choose('model', {
      title: 'Choose a model',
      action: 'Inspect',
      hint: 'An ONNX file or a TF.js model.json, with classes.txt (one name per output) beside it',
    });
    if (path) await this.inspect(path);
  }

  async inspect(path: string): Promise<void> {
    this.inspecting = true;
    this.error = null;
    this.tryResult = null;
    this.tryError = null;
    try {
      this.inspection = await this.#client.inspectModel(path);
      this.tryLayer = this.inspection.layers.some((l) => l.name === 'layer2') ? 'layer2' : (this.inspection.layers[0]?.name as CamLayerName | undefined) ?? 'layer2';
    } catch (err) {
      this.inspection = null;
      this.error = (err as Error).message;
    } finally {
      this.inspecting = false;
    }
  }

  /** A Relevance-CAM of the inspected model on one project image (nothing is added). */
  async tryOn(imageId: number, layer: CamLayerName = this.tryLayer): Promise<void> {
    const m = this.inspection;
    if (!m) return;
    const seq = ++this.#trySeq;
    this.tryImageId = imageId;
    this.tryLayer = layer;
    this.trying = true;
    this.tryError = null;
    try {
      const r = await this.#client.tryModel({ path: m.path, imageId, layer });
      if (seq === this.#trySeq) this.tryResult = r;
    } catch (err) {
      if (seq === this.#trySeq) {
        this.tryResult = null;
        this.tryError = (err as Error).message;
      }
    } finally {
      if (seq === this.#trySeq) this.trying = false;
    }
  }

  /** Adds the inspected model (it becomes the active one); true when added. */
  async add(): Promise<boolean> {
    const m = this.inspection;
    if (!m) return false;
    this.error = null;
    const added = await attempt(
      async () => {
        await this.#client.addModel(m.path);
        this.discard();
        await this.load();
        return true;
      },
      (message) => (this.error = message),
      (on) => (this.adding = on),
    );
    return added === true;
  }

  async remove(id: number): Promise<void> {
    await this.#act(() => this.#client.removeModel(id));
  }

  async setActive(id: number): Promise<void> {
    await this.#act(() => this.#client.setActiveModel(id));
  }

  /** back to the list, dropping the file under inspection */
  discard(): void {
    ++this.#trySeq;
    this.inspection = null;
    this.tryResult = null;
    this.tryError = null;
    this.tryImageId = null;
    this.trying = false;
  }

  async #act(call: () => Promise<void>): Promise<void> {
    try {
      await call();
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    }
    await this.load();
  }
}
