// s3rver for the platform backup test (the engine's own declaration, seen from this package too).
/// <reference path="../../../../packages/engine/src/types/s3rver.d.ts" />
