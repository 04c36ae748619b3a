// Whole architectures in one construct (egress hub, egress spoke); filled in by the patterns work.
export {};
