export { AREA_NAME, type Person, PRIMARY_PAGE_WAIT, RotationSchema, type RotationFile } from './model.ts';
export { loadRotation, type OnCall, parseRotation, Rotation, RotationError } from './rotation.ts';
export { foldLine, type IcsOptions, renderIcs } from './ics.ts';
export { formatInstant, nowAndNext, onCallTable, weeksAhead } from './report.ts';
export { durationMs, formatLocal, isTimeZone, toLocal, toUtc } from './time.ts';
export { onCallReport, OnCallOptionError, type OnCallRequest, parseInstant } from './command.ts';
