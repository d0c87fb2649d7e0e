// Pipelines and promotion: the area's public face.
export { PipelineNotFoundError, resolvePipeline } from "./access.ts";
export { createPipelines, PipelineNameTakenError, type PipelineParts, type Pipelines } from "./service.ts";
export * from "./types.ts";
