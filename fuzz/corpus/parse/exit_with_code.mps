print("leaving")
exit(3)
print("never")
