let m = {1.5: 2}
