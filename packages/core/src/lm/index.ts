export {
  loadLanguageModel,
  tinyLmDir,
  type GenerateOptions,
  type LanguageModel,
  type LanguageModelInfo,
  type LoadOptions,
  type StopReason,
} from './languageModel.ts';
export * from './trainable.ts';
export * from './finetune.ts';
