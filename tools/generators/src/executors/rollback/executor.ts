import { rollback } from '@satvach/deploy';
import { DEPLOY_TARGET_DEFAULTS, lockedCommandExecutor } from '../deploy/executor.ts';

export const ROLLBACK_DEFAULTS = DEPLOY_TARGET_DEFAULTS;

export default lockedCommandExecutor('rollback', rollback);
