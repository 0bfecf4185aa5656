// The production promise over the plan: a production cluster's API is private and its VPC has no
// way to the internet, unless a reasoned exception of the config (platform:productionExceptions)
// says otherwise; the report shows each exception where it applies.
import { asRecord, at, isTrue, ofType, rule, verdict, type Finding, type PolicyStack } from "../rule";
import { CLUSTER_TYPES } from "./cluster";

const INTERNET_TYPES = ["aws:ec2/natGateway:NatGateway", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"];
const VPC = "awsx:ec2:Vpc";

const exception = (stack: PolicyStack, key: "publicEndpoint" | "internetEgress"): string | undefined => stack.exceptions?.[key];

export const productionPromise = rule(
    {
        id: "production-promise",
        description: "In production the cluster API endpoint is private and the VPC has no internet egress (NAT or internet gateway), unless platform:productionExceptions gives a reason, which this report shows.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 5.4.1, 5.4.2 (private endpoint, private cluster); EKS Best Practices: Security, Network security (private clusters)",
    },
    (stack): Finding[] => {
        if (!stack.production) return [];
        const publicReason = exception(stack, "publicEndpoint");
        const egressReason = exception(stack, "internetEgress");
        const clusters = ofType(stack, ...CLUSTER_TYPES).map((r) => {
            const open = isTrue(r.props.endpointPublicAccess) || isTrue(at(r.props, "vpcConfig.endpointPublicAccess"));
            if (!open) return verdict(r, undefined, "private API endpoint");
            return verdict(r, publicReason ? undefined : "a production cluster with a public API endpoint and no platform:productionExceptions.publicEndpoint", `EXCEPTION public endpoint: ${publicReason}`);
        });
        const vpcs = ofType(stack, VPC).map((r) => {
            const strategy = String(asRecord(r.props.natGateways).strategy ?? "None");
            if (strategy === "None") return verdict(r, undefined, "no NAT gateways");
            return verdict(r, egressReason ? undefined : `NAT gateways (${strategy}) give production internet egress without platform:productionExceptions.internetEgress`, `EXCEPTION internet egress: ${egressReason}`);
        });
        const gatewayList = ofType(stack, ...INTERNET_TYPES);
        // A VPC of the stack: without gateways it has no way to the internet.
        const plainVpcs = gatewayList.length ? [] : ofType(stack, "aws:ec2/vpc:Vpc").map((r) => verdict(r, undefined, "no NAT or internet gateway"));
        const gateways = gatewayList.map((r) =>
            verdict(r, egressReason ? undefined : `a ${r.type.split(":").pop()} in production without platform:productionExceptions.internetEgress`, `EXCEPTION internet egress: ${egressReason}`));
        return [...clusters, ...vpcs, ...plainVpcs, ...gateways];
    },
);

export const PRODUCTION_RULES = [productionPromise];
