import { rollback } from '@satvach/deploy';
import { lockedCommandExecutor } from '../deploy/executor.ts';

export default lockedCommandExecutor('rollback', rollback);
