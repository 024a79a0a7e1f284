"""A CPU-bound job of fixed work, for measuring the `provkit run` wrapper's overhead."""
import sys

total = 0
for index in range(int(sys.argv[1])):
    total += index * index % 7
print(total)
