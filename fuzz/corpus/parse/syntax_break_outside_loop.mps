print("never printed")
break
