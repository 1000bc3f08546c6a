/**
 * Topic tagging (kept as the import path the rest of kikigaki uses): the tagger itself lives in
 * lib/tagging/ (evidence, question context, the model editors train).
 */
export {
  aggregatePeople,
  DEFAULT_PARAMS,
  type InterviewTags,
  type PersonTopic,
  type TaggerOptions,
  type TaggerParams,
  type TopicMatch,
  TopicTagger,
} from './tagging/tagger.ts';
