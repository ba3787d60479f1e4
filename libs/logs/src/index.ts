export { CursorFile } from './cursor.ts';
export { composeProjectOf, dockerEngine, DockerApiError, isMultiplexed, LogStreamDecoder, ownContainerId, type ContainerInfo, type LogSource, type RawLogEntry } from './docker-api.ts';
export {
  buildLogsQuery,
  DEFAULT_LIMIT,
  formatEntries,
  knownServices,
  LEVELS,
  LogsOptionError,
  LogStoreError,
  queryLogs,
  quoteLogsQL,
  sinceFilter,
  type LogEntry,
  type LogsFilter,
} from './query.ts';
export { toRecord, type LogLine, type LogRecord } from './record.ts';
export { shipperSettings, type ShipperSettings } from './settings.ts';
export { isRetryablePushError, PushRejectedError, ship, type ShipperOptions } from './shipper.ts';
export { pushRequest, STREAM_FIELDS, type PushRequest, type SinkFormat } from './sink.ts';
export { dockerSince, timestampNanos } from './time.ts';
