/** Social's published events. None yet: following and status arrive with their own issue. */
export {};
