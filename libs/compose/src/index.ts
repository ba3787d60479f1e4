export { composeArgv, type ComposeFlavor, type ComposeProject, detectComposeFlavor, type Invocation } from './argv.ts';
export { appendSecrets, ensureEnvFile, GENERATED_PLACEHOLDER, loadStackEnv, type LoadedStackEnv, missingSecrets, oncallRotationSetting, SECRET_KEYS, STACK_ENV_KEYS, type StackEnv, StackEnvError, StackEnvSchema } from './env.ts';
export { toHostNetwork } from './host-network.ts';
export { minioPrometheusToken, type MonitoringFiles, monitoringDirPath, renderMonitoringFiles, writeMonitoringFiles } from './monitoring.ts';
export { type IngressRule, parseIngress, ruleFor, validateIngress } from './ingress.ts';
export { type ContainerState, judge, planFromConfig, renderTable, type ServiceStatus, type StackPlan } from './status.ts';
export { renderedConfigPath, StackFailedError, stackDown, stackUp, type StackOutput, type StackRef, type StackUpRequest } from './stack.ts';
