// The project store's public surface.
export { createProject, openProject, Project, DB_FILE } from './project.ts';
export { setSqliteNativeBinding } from './db.ts';
export { peekProject, type ProjectPeek } from './peek.ts';
export type * from './types.ts';
export { SCHEMA_VERSION, MIGRATIONS } from './migrations/index.ts';
export { vocColor, vocPalette, VOC_CLASSES } from '../masks/palette.ts';
export { encodeFloat16, decodeFloat16 } from '../masks/float16.ts';
export { humanOwns, type GeneratedWrite, type JobWrite, type MaskInput } from './mask-writes.ts';
export { importMasks, type MaskImportOptions, type MaskImportReport } from './import/masks/index.ts';
