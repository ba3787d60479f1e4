import { promote } from '@satvach/deploy';
import { DEPLOY_TARGET_DEFAULTS, lockedCommandExecutor } from '../deploy/executor.ts';

export const PROMOTE_DEFAULTS = DEPLOY_TARGET_DEFAULTS;

export default lockedCommandExecutor('promote', promote);
