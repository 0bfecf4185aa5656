// Every guard rail of the platform, in report order.
import type { Rule } from "../rule";
import { CLUSTER_RULES } from "./cluster";
import { DATA_SAFETY_RULES } from "./dataSafety";
import { IAM_RULES } from "./iam";
import { KUBERNETES_RULES } from "./kubernetes";
import { NODE_RULES } from "./nodes";
import { IAM_EFFECT_RULES } from "./iamEffect";
import { PLATFORM_DATA_RULES } from "./platformData";
import { TAG_RULES } from "./tags";
import { PRINCIPAL_RULES } from "./principals";
import { PRODUCTION_RULES } from "./production";

export const RULES: readonly Rule[] = [
    ...CLUSTER_RULES, ...PRODUCTION_RULES, ...NODE_RULES, ...IAM_RULES, ...IAM_EFFECT_RULES, ...PRINCIPAL_RULES, ...KUBERNETES_RULES, ...DATA_SAFETY_RULES, ...PLATFORM_DATA_RULES, ...TAG_RULES,
];
