/** Who is asking: every engine call that reads or changes user data takes one. */
export interface Actor {
  userId: string;
  isAdmin: boolean;
  /** The client's address, recorded in the audit log. */
  ip?: string | null;
}
