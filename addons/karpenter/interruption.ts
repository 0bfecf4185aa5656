// Interruption handling: an SQS queue Karpenter polls, and EventBridge rules that send it every
// event Karpenter acts on. A misspelt detail-type matches nothing and silently disables handling,
// so the patterns are one exported constant that tests pin string by string.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policy, type PolicyDocument } from "../../lib/iam";

export interface EventPattern {
    source: string[];
    "detail-type": string[];
}

/** Every event Karpenter 1.14 handles, by rule name (upstream's CloudFormation logical ids). */
export const INTERRUPTION_EVENTS = {
    ScheduledChange: { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
    SpotInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    Rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
    InstanceStateChange: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
    CapacityReservationInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
} as const satisfies Record<string, EventPattern>;

/** Queue messages are only useful while the event is fresh. */
export const QUEUE_RETENTION_SECONDS = 300;

/** EventBridge (and SQS itself) may send; nobody may use the queue without TLS. */
export function queuePolicy(queueArn: string): PolicyDocument {
    return policy(
        { Sid: "EventBridgeWrite", Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queueArn },
        { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": false } } },
    );
}

export interface InterruptionQueueArgs {
    queueName: string;
}

/** The queue, its policy, and one EventBridge rule with a target per event. */
export class InterruptionQueue extends pulumi.ComponentResource {
    readonly queue: aws.sqs.Queue;

    constructor(name: string, args: InterruptionQueueArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:addons:KarpenterInterruption", name, {}, opts);
        this.queue = new aws.sqs.Queue(name, {
            name: args.queueName,
            messageRetentionSeconds: QUEUE_RETENTION_SECONDS,
            sqsManagedSseEnabled: true,
        }, { parent: this });
        new aws.sqs.QueuePolicy(name, {
            queueUrl: this.queue.url,
            policy: this.queue.arn.apply((arn) => JSON.stringify(queuePolicy(arn))),
        }, { parent: this });
        for (const [event, pattern] of Object.entries(INTERRUPTION_EVENTS)) {
            const rule = new aws.cloudwatch.EventRule(`${name}-${event}`, {
                description: `Karpenter interruption handling: ${pattern["detail-type"][0]}`,
                eventPattern: JSON.stringify(pattern),
            }, { parent: this });
            new aws.cloudwatch.EventTarget(`${name}-${event}`, {
                rule: rule.name,
                targetId: "KarpenterInterruptionQueueTarget",
                arn: this.queue.arn,
            }, { parent: this });
        }
        this.registerOutputs({ queueName: this.queue.name, queueArn: this.queue.arn });
    }
}
