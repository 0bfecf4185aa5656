// The platform's guard rails as a Pulumi policy pack: `pulumi preview --policy-pack policy/`.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./pack";

new PolicyPack("eks-platform-guardrails", { policies: POLICIES });
