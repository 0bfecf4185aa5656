// The guard rails of the config (issue 18), by concern: IAM by effect, the production promise,
// values passed on, tenancy, and what the cloud would refuse late. rules.ts runs them with the rest.
import type { GuardRule } from "./types";
import { applicationIam } from "./iam";
import { PRODUCTION_RULES } from "./production";
import { PASS_THROUGH_RULES } from "./passThrough";
import { TENANCY_RULES } from "./tenancy";
import { EARLY_RULES } from "./early";

export const GUARD_RULES: readonly GuardRule[] = [
    applicationIam, ...PRODUCTION_RULES, ...PASS_THROUGH_RULES, ...TENANCY_RULES, ...EARLY_RULES,
];
