// The studio's basic words, which every other contract file may use and which import
// nothing: an image's review status and split, and the dataset layouts an import reads.
// Types and plain constants only.

export type ReviewStatus = 'unreviewed' | 'generated' | 'edited' | 'approved' | 'rejected';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['unreviewed', 'generated', 'edited', 'approved', 'rejected'];

export type Split = 'train' | 'val' | 'test' | null;

/** how a dataset folder says which classes each image holds (the CLI's `import --layout`) */
export const DATASET_LAYOUTS = ['voc', 'folders', 'csv', 'json'] as const;
export type DatasetLayout = (typeof DATASET_LAYOUTS)[number];
