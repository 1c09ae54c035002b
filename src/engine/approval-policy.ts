// The approval policy moved into the kernel (live and backtests decide alike); kept here for old imports.
export { approvalRoute, type ApprovalPolicyInput } from '../kernel/approval-policy.js';
export type { ApprovalRoute } from '../kernel/types.js';
