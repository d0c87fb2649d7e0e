/** The platform's own Prometheus or Alertmanager could not be started; `log` is the tail of what it printed. */
export class EmbeddedPrometheusError extends Error {
  constructor(
    message: string,
    readonly log = "",
  ) {
    super(log ? `${message}\n${log}` : message);
    this.name = "EmbeddedPrometheusError";
  }
}
