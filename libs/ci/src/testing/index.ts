export { COPY_GIT_ENV, createWorkspaceCopy, type WorkspaceCopy } from './workspace-copy.ts';
