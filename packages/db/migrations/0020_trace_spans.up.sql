-- 0020: the spans of builds and deployments, kept so the dashboard can draw their step
-- waterfall without an outside tracing backend. A span belongs to exactly one build or one
-- deployment, and goes with it (ON DELETE CASCADE); older spans are pruned after N days.
CREATE TABLE trace_spans (
  trace_id text NOT NULL CHECK (trace_id ~ '^[0-9a-f]{32}$'),
  span_id text NOT NULL CHECK (span_id ~ '^[0-9a-f]{16}$'),
  parent_span_id text CHECK (parent_span_id ~ '^[0-9a-f]{16}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 512),
  build_id uuid REFERENCES builds (id) ON DELETE CASCADE,
  deployment_id uuid REFERENCES deployments (id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL,
  -- Null while the span runs: a running build's waterfall shows its open stage too.
  ended_at timestamptz,
  status text NOT NULL CHECK (status IN ('running', 'ok', 'error')),
  status_message text,
  attributes jsonb NOT NULL DEFAULT '{}',
  -- The order spans were first written in, which is the order they started in (the span
  -- processor writes one at a time): it tells apart spans that started in the same millisecond.
  seq bigserial NOT NULL,
  PRIMARY KEY (trace_id, span_id),
  CHECK (num_nonnulls(build_id, deployment_id) = 1)
);
CREATE INDEX trace_spans_build ON trace_spans (build_id, started_at) WHERE build_id IS NOT NULL;
CREATE INDEX trace_spans_deployment ON trace_spans (deployment_id, started_at) WHERE deployment_id IS NOT NULL;
CREATE INDEX trace_spans_started ON trace_spans (started_at);
