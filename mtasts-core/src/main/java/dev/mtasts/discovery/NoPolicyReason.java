package dev.mtasts.discovery;

/** Why a domain has no available MTA-STS policy. */
public enum NoPolicyReason {
  /** {@code _mta-sts.<domain>} does not exist (NXDOMAIN). */
  NO_SUCH_NAME,
  /** {@code _mta-sts.<domain>} exists but has no TXT records (NODATA). */
  NO_TXT_RECORD,
  /**
   * The TXT records hold no STS record: of several records none begins with {@code v=STSv1;}, or the
   * only record does not begin with {@code v=STSv1} (for example an SPF record).
   */
  NO_STS_RECORD,
  /** The TXT records hold more than one record that begins with {@code v=STSv1;}. */
  MULTIPLE_STS_RECORDS,
  /** The one STS record (it begins with {@code v=STSv1}) is not valid. */
  INVALID_STS_RECORD
}
