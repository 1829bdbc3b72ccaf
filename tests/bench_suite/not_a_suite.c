// A program that is no benchmark harness: it ignores its arguments.
#include <stdio.h>

int main(void) {
  puts("hello, I am not a benchmark suite");
  return 0;
}
