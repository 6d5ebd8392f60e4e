export {
  loadLanguageModel,
  loadModelFor,
  tinyLmDir,
  type GenerateOptions,
  type LanguageModel,
  type LanguageModelInfo,
  type LoadOptions,
  type StopReason,
  type TokenLevel,
} from './languageModel.ts';
export { requireRole, type Capabilities, type Capability, type RoleNeeds } from './capabilities.ts';
export { hasLlamaCpp } from './gguf.ts';
export { serveOpenAi, type Fault, type OpenAiServer, type ServeOptions } from './openaiServer.ts';
export * from './trainable.ts';
export * from './finetune.ts';
export { gptConfigOf, padToBucket, LENGTH_BUCKET } from './compiledLm.ts';
