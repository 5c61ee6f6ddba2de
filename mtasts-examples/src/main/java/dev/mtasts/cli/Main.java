package dev.mtasts.cli;

/** Placeholder entry point, replaced by the CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {}
}
