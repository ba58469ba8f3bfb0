// The Generate panel's services over a real project, for one test at a time: `n` demo scenes
// and the demo classifier in a fresh folder, the studio and generation services on one event
// bus (jobs in-process, workers: 0, to keep the tests light on 2 cores), every event handed on.
import type { EventName, StudioApi, StudioEvents } from '../../../src/contract/api.ts';
import type { Project } from '../../../src/project/index.ts';
import { closeGenerationServices, createGenerationService } from '../../../src/services/generation.ts';
import { createEventBus, createStudioService } from '../../../src/services/index.ts';
import { scratchEach, type Scratch } from '../../helpers/scratch.ts';
import { demoProject } from '../jobs/fixture.ts';

export interface ServicesUnderTest {
  project: Project;
  api: StudioApi;
}

export type RecordedEvent = { name: EventName; payload: StudioEvents[EventName] };

/** Before each test, a project and its services handed to `use`, their events to `onEvent`; closed after the test. */
export function generationServicesEach(prefix: string, n: number, use: (s: ServicesUnderTest) => void, onEvent: (e: RecordedEvent) => void): Scratch {
  return scratchEach(prefix, async (dir) => {
    const project = await demoProject(dir, n);
    const bus = createEventBus();
    bus.subscribe((name, payload) => onEvent({ name, payload }));
    use({ project, api: { ...createStudioService(project, { bus }), ...createGenerationService(project, bus, { workers: 0 }) } });
    return async () => {
      await closeGenerationServices(project);
      project.close();
    };
  });
}
