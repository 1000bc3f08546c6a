/**
 * The model the product ships: trained by `npm run train:tags` on the judged tag labels of
 * eval/tag-labels.json (the splits it names in `trainedOn`), with each topic's decision rule chosen by
 * 5-fold cross-validation by source file (eval/README.md). The tagger uses it until editors train
 * their own from corrections (lib/tagging/source.ts); `npm run eval` scores the splits it was trained
 * on only cross-validated.
 */
import { type ClassifierModel, ClassifierModelSchema } from './classifier.ts';
import json from './shipped-model.json' with { type: 'json' };

const parsed = ClassifierModelSchema.parse(json);

/** The shipped model (null while none has been trained). */
export const shippedModel: ClassifierModel | null = Object.keys(parsed.topics).length > 0 ? parsed : null;
