/**
 * Logs, metrics and traces on Lambda, with Powertools for AWS Lambda (TypeScript): JSON log
 * lines carrying the Lambda request id (and the API Gateway request id on API calls), CloudWatch
 * metrics as EMF lines, X-Ray traces of every AWS SDK call. Each function has its own service name
 * and all share one namespace (lib/config.ts readTelemetryConfig: the POWERTOOLS_* variables the
 * stack sets, else the role's defaults); the log level comes from POWERTOOLS_LOG_LEVEL. Locally (`npm start`, tests) the app keeps
 * its plain JSON logger and none of this is loaded.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import type { Logger as AppLogger } from './api/app.ts';
import type { TelemetryConfig } from './config.ts';
import type { SnapshotObserver } from './search/snapshots.ts';

/** The Powertools utilities of one function, created once per container. */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  /** The app's logger interface, written through Powertools. */
  log: AppLogger;
}

/** Powertools for this container, named for its function. */
export function lambdaTelemetry({ serviceName, namespace }: TelemetryConfig): Telemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ serviceName, namespace });
  const tracer = new Tracer({ serviceName });
  const log: AppLogger = ({ level, msg, ...rest }) => {
    const message = String(msg ?? '');
    if (level === 'error') logger.error(message, rest);
    else if (level === 'warn') logger.warn(message, rest);
    else if (level === 'debug') logger.debug(message, rest);
    else logger.info(message, rest);
  };
  return { logger, metrics, tracer, log };
}

/** Metrics of the snapshot provider: load time and size, refresh failures, staleness and lag. */
export function snapshotMetrics(t: Pick<Telemetry, 'metrics' | 'log'>): SnapshotObserver {
  return {
    loaded: (info) => {
      t.log({ level: 'info', msg: 'index loaded', ...info, ms: Math.round(info.ms) });
      t.metrics.addMetric('SnapshotLoadMs', MetricUnit.Milliseconds, info.ms);
      t.metrics.addMetric('SnapshotLoadBytes', MetricUnit.Bytes, info.bytes);
      t.metrics.addMetric('IndexStalenessMs', MetricUnit.Milliseconds, 0);
    },
    refreshFailed: ({ error, snapshotId, stalenessMs, stage, lagMs }) => {
      t.log({
        level: 'warn',
        msg:
          stage === 'warm'
            ? 'index warm-up failed; requests inflate the blocks they read'
            : 'index refresh failed; serving the loaded snapshot',
        stage,
        snapshotId,
        stalenessMs: Math.round(stalenessMs),
        ...(lagMs === undefined ? {} : { lagMs: Math.round(lagMs) }),
        error: String(error),
      });
      t.metrics.addMetric('IndexRefreshFailures', MetricUnit.Count, 1);
      t.metrics.addMetric('IndexStalenessMs', MetricUnit.Milliseconds, stalenessMs);
    },
    // Every refresh attempt: how far behind the published snapshot this container serves (0 when
    // current), so an alarm on its maximum catches refreshes that succeed too slowly or not at all.
    refreshed: ({ snapshotId, lagMs, outcome }) => {
      t.metrics.addMetric('IndexLagMs', MetricUnit.Milliseconds, lagMs);
      if (outcome === 'loaded')
        t.log({ level: 'info', msg: 'index refreshed', snapshotId, lagMs: Math.round(lagMs) });
    },
  };
}

/**
 * Wraps a handler: the Lambda context (and `keysOf(event)`, e.g. the API Gateway request id) on
 * every log line of the invocation, a subsegment around it, the cold start as a metric and a
 * trace annotation, and the invocation's metrics flushed when it ends.
 */
export function instrument<E, R>(
  t: Telemetry,
  handler: (event: E, context: Context) => Promise<R>,
  keysOf: (event: E) => Record<string, string | undefined> = () => ({}),
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    t.logger.addContext(context);
    t.logger.appendKeys(keysOf(event));
    t.metrics.captureColdStartMetric(context.functionName);
    const parent = t.tracer.getSegment();
    const segment = parent?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    if (segment) t.tracer.setSegment(segment);
    t.tracer.annotateColdStart();
    try {
      return await handler(event, context);
    } catch (e) {
      segment?.addError(e as Error);
      throw e;
    } finally {
      segment?.close();
      if (parent) t.tracer.setSegment(parent);
      // Most API calls record none: publishing an empty set would only log a warning.
      if (t.metrics.hasStoredMetrics()) t.metrics.publishStoredMetrics();
      t.logger.resetKeys();
    }
  };
}
