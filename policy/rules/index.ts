// Every guard rail of the platform, in report order.
import type { Rule } from "../rule";
import { CLUSTER_RULES } from "./cluster";
import { DATA_SAFETY_RULES } from "./dataSafety";
import { IAM_RULES } from "./iam";
import { KUBERNETES_RULES } from "./kubernetes";
import { NODE_RULES } from "./nodes";
import { PRINCIPAL_RULES } from "./principals";

export const RULES: readonly Rule[] = [...CLUSTER_RULES, ...NODE_RULES, ...IAM_RULES, ...PRINCIPAL_RULES, ...KUBERNETES_RULES, ...DATA_SAFETY_RULES];
