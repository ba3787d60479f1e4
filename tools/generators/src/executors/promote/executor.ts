import { promote } from '@satvach/deploy';
import { lockedCommandExecutor } from '../deploy/executor.ts';

export default lockedCommandExecutor('promote', promote);
